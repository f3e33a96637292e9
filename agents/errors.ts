// Errors users meet when talking to models. Each message names what went wrong and the fix.

/** Base class: every error raised by the agents layer. */
export class AgentError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A model spec string that does not parse. */
export class ModelSpecError extends AgentError {}

/** A provider needs an API key that is neither in the environment nor in `.env`. */
export class MissingApiKeyError extends AgentError {}

/** A local model (or LoRA adapter) file is missing or cannot be downloaded. */
export class ModelFileError extends AgentError {}

/** The model server could not be reached (connection refused, DNS, offline). */
export class ProviderUnreachableError extends AgentError {}

/** The provider kept answering "rate limited" after the bounded retries. */
export class RateLimitError extends AgentError {}

/** A prompt does not fit the model's context window. */
export class ContextOverflowError extends AgentError {}

/** A structured response failed schema validation even after the retry with the validation error. */
export class StructuredOutputError extends AgentError {}

/** A replayed run asked for something the recording does not hold (different prompt, extra call). */
export class ReplayMismatchError extends AgentError {}
