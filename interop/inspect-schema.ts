// The part of Inspect AI's log format (inspect_ai/log/_log.py, event/, model/; log format version 2) that an
// export of linguacodus runs fills. Field names are Inspect's (snake_case); fields left out take Inspect's defaults
// when `read_eval_log` validates the file. Written as JSON logs (`.json`), which read_eval_log and `inspect view`
// read like `.eval` zips.

/** Inspect's log file format version this shape follows. */
export const INSPECT_LOG_VERSION = 2;

export interface InspectModelUsage {
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  /** The prompt tokens a provider served from its cache (our `cached`). */
  input_tokens_cache_read?: number;
  total_cost?: number;
}

export interface InspectMessage {
  role: "system" | "user" | "assistant";
  content: string;
  /** "input": the prompt a call got; "generate": the model's answer. */
  source: "input" | "generate";
  model?: string;
  metadata?: Record<string, unknown>;
}

export interface InspectScore {
  /** A dict value: each key one number, flag or label (null: unknown). */
  value: Record<string, string | number | boolean | null>;
  answer?: string;
  explanation?: string;
  metadata?: Record<string, unknown>;
}

interface InspectEventBase {
  uuid: string;
  timestamp: string;
  /** Seconds since the sample started. */
  working_start: number;
  metadata?: Record<string, unknown>;
}

export interface InspectModelEvent extends InspectEventBase {
  event: "model";
  model: string;
  role: string;
  input: InspectMessage[];
  tools: [];
  tool_choice: "none";
  config: { temperature?: number; seed?: number; max_tokens?: number };
  output: {
    model: string;
    choices: { message: InspectMessage; stop_reason: "stop" | "unknown" }[];
    completion: string;
    usage?: InspectModelUsage;
    time: number;
    error?: string;
  };
  retries?: number;
  error?: string;
  completed: string;
  working_time: number;
}

export interface InspectInfoEvent extends InspectEventBase {
  event: "info";
  source: string;
  data: Record<string, unknown>;
}

export interface InspectScoreEvent extends InspectEventBase {
  event: "score";
  score: InspectScore;
  target: string;
  intermediate: false;
  scorer: string;
}

export type InspectEvent = InspectModelEvent | InspectInfoEvent | InspectScoreEvent;

export interface InspectSample {
  id: string;
  epoch: number;
  input: string;
  target: string;
  messages: InspectMessage[];
  output: { model: string; choices: { message: InspectMessage; stop_reason: "stop" }[]; completion: string };
  scores: Record<string, InspectScore>;
  metadata: Record<string, unknown>;
  events: InspectEvent[];
  model_usage: Record<string, InspectModelUsage>;
  role_usage: Record<string, InspectModelUsage>;
  started_at?: string;
  completed_at?: string;
  total_time: number;
  working_time: number;
  uuid: string;
  error?: { message: string; traceback: string; traceback_ansi: string };
}

export interface InspectEvalScore {
  name: string;
  scorer: string;
  scored_samples: number;
  unscored_samples: number;
  metrics: Record<string, { name: string; value: number }>;
}

export interface InspectLog {
  version: number;
  /** "success" when every run finished (a failed run is a sample with an error), "started" while some are not. */
  status: "started" | "success";
  eval: {
    eval_set_id?: string;
    eval_id: string;
    run_id: string;
    created: string;
    task: string;
    task_id: string;
    task_version: number;
    solver: string;
    solver_args: Record<string, unknown>;
    tags: string[];
    dataset: { name: string; location: string | null; samples: number; sample_ids: string[] };
    model: string;
    model_roles: Record<string, { model: string }>;
    config: { epochs: number };
    packages: Record<string, string>;
    metadata: Record<string, unknown>;
    scorers: { name: string }[];
  };
  plan: { name: string; steps: { solver: string; params: Record<string, unknown> }[] };
  results: { total_samples: number; completed_samples: number; scores: InspectEvalScore[] };
  stats: { started_at: string; completed_at: string; model_usage: Record<string, InspectModelUsage>; role_usage: Record<string, InspectModelUsage> };
  samples: InspectSample[];
}
