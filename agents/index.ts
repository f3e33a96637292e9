// Public face of agents/: model specs, the agent team (one hook for every model call), transcripts, providers.
export * from "./types.js";
export { TokenCountsSchema, addTokens, evaluatedPromptShare, noTokens, tokenTotal, type TokenCounts } from "./tokens.js";
export { RUN_STAGE, callStep, parseCallStep, roleOfCall, inScope, recordedStep, type CallStep, type CallStepKind } from "./call-step.js";
export * from "./errors.js";
export { TEAM_SYSTEM, rolePrompt, taskWords, teamSystem, type RolePromptInput, type TaskWords } from "./role-prompt.js";
export {
  VALID_SPEC_FORMS,
  MODEL_PROVIDERS,
  ModelSpecSchema,
  parseModelSpec,
  formatModelSpec,
  specProvider,
  replayPathOf,
  type ModelProvider,
  type ModelSpec,
  type GgufSpec,
  type OpenAiSpec,
  type GeminiSpec,
  type ReplaySpec,
} from "./spec.js";
export { toJsonSchema, parseStructured, schemaInstruction, type JsonSchema } from "./json-schema.js";
export {
  TranscriptLineSchema,
  ChatTurnSchema,
  TranscriptImageSchema,
  type TranscriptTurn,
  ServedBySchema,
  type ServedBy,
  createJsonlTranscriptSink,
  createMemoryTranscriptSink,
  readTranscript,
  transcriptFilePath,
  TRANSCRIPT_FILE,
  hashPrompt,
  scrubSecrets,
  type TranscriptLine,
  type TranscriptSink,
} from "./transcript.js";
export {
  fromChatModel,
  fromLangChainMessages,
  toLangChainMessages,
  type AgentChatCallOptions,
  type CallContext,
  type CallParams,
  type ChatModelResolver,
  type ResolvedChatModel,
} from "./chat-model.js";
export { secretsFromEnv, secretsFromEnvFile, urlCredentials } from "./providers/secrets.js";
export { createAgentTeam, wrapTeamCalls, type AgentTeamOptions, type CallHook, type RetryPolicy } from "./team.js";
export {
  createProviderResolver,
  defaultModelSpec,
  loadEnv,
  loadNodeLlamaCpp,
  LlamaCppChatModel,
  LoadedGgufModel,
  ReplayChatModel,
  ReplaySource,
  DEFAULT_MODEL_FILE,
  DEFAULT_MODEL_SCRIPT,
  type ProviderOptions,
  type ProviderResolver,
  type GgufOptions,
  type OpenAiOptions,
  type GeminiOptions,
  type Env,
  readModelPoolFile,
  servedByOf,
  type ModelPools,
} from "./providers/index.js";
