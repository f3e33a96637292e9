// The real dependencies of a run — provider-backed agent teams, the Docker (or explicit local) sandbox with its
// library whitelist, the grader — built from a few choices. The CLI and the benchmarks use this; tests pass
// their own RunDependencies (scripted models) instead.
import type { ChatModelResolver } from "../agents/index.js";
import type { OpenAiOptions } from "../agents/index.js";
import { createAgentTeam } from "../agents/index.js";
import { createJsonlTranscriptSink } from "../agents/index.js";
import type { AgentTeam } from "../agents/index.js";
import { createTaskGrader, MLEBENCH_GRADER_REQUIREMENTS, type GraderSandbox } from "../datasets/index.js";
import type { PoolOptions, SandboxProfile } from "../sandbox/index.js";
import type { Sandbox } from "../sandbox/index.js";
import { detectGpus } from "./fingerprint.js";
import type { SandboxKind } from "./options.js";
import type { RunDependencies, TeamRequest } from "./run.js";

export type { SandboxKind };

export interface WiringOptions {
  sandbox: SandboxKind;
  /** Which image the Docker sandbox runs (default: `default`); the run records its tag and profile. */
  sandboxProfile?: SandboxProfile;
  /** Pass the host's NVIDIA GPUs through (the deep profile then runs its CUDA variant); default: whether nvidia-smi finds one, for the deep profile. */
  gpus?: boolean;
  /** Where the local runner's warning goes (it is printed before every run). */
  warn?: (message: string) => void;
  /** A .env file for API keys (the environment wins). */
  envFile?: string;
  /** Folder of downloaded GGUF models (for `gguf:hf:` specs). */
  modelsDir?: string;
  /** Warm containers the Docker sandbox keeps (default: one per task folder, four in all). */
  pool?: Partial<PoolOptions>;
  /** OpenAI-protocol options, e.g. model pools from --model-pool. */
  openai?: OpenAiOptions;
  /** Sandbox executions at once (a bench's --sandboxes): they share the CPU limit, so each gets fewer threads. */
  concurrency?: number;
}

export interface Wiring extends RunDependencies {
  close(): Promise<void>;
}

/**
 * A team factory over a chat-model resolver: each run gets its own transcript file. `secrets` are the key values
 * the resolver loaded (environment and .env), scrubbed from transcripts.
 */
export function teamFactory(resolveChatModel: ChatModelResolver, secrets?: readonly string[]): RunDependencies["createTeam"] {
  return ({ runId, transcriptsPath, models, onCall }: TeamRequest): AgentTeam =>
    createAgentTeam({
      models,
      runId,
      transcript: createJsonlTranscriptSink(transcriptsPath),
      resolveChatModel,
      ...(secrets ? { secrets } : {}),
      ...(onCall ? { onCall } : {}),
    });
}

/**
 * A sandbox for MLE-bench competitions' own grade.py: the sandbox image plus the libraries MLE-bench's graders
 * use (built once, see ensurePythonLayerImage), a fresh container per grading.
 */
export async function openMleBenchGradingSandbox(docker: import("dockerode"), log?: (line: string) => void): Promise<Sandbox> {
  const sandboxModule = await import("../sandbox/index.js");
  const image = await sandboxModule.ensurePythonLayerImage({ docker, name: "mlebench", requirements: MLEBENCH_GRADER_REQUIREMENTS, ...(log ? { log } : {}) });
  return sandboxModule.createDockerSandbox({ docker, reuse: false, image });
}

/**
 * The image of a sandbox profile, or an error saying how to build it (engine reachable assumed). `cuda` picks the
 * deep profile's CUDA variant; `tag` overrides the recipe's tag (a test names an image that cannot exist).
 */
export async function requireProfileImage(args: { docker: import("dockerode"); profile: SandboxProfile; cuda?: boolean; tag?: string }): Promise<string> {
  const sandboxModule = await import("../sandbox/index.js");
  await sandboxModule.requireEngine(args.docker);
  const variant = { cuda: args.cuda === true };
  const tag = args.tag ?? sandboxModule.sandboxImageTag(args.profile, variant);
  if (!(await sandboxModule.imageExists(args.docker, tag))) {
    throw new Error(`the ${args.profile}${variant.cuda ? " (CUDA)" : ""} sandbox image ${tag} is missing: build it with '${sandboxModule.buildCommandOf(args.profile, variant)}'`);
  }
  return tag;
}

/** Whether a profile's scripts get the host's NVIDIA GPUs: the deep profile on a host nvidia-smi finds one on. */
export function profileUsesGpus(profile: SandboxProfile, gpus: readonly unknown[] = detectGpus()): boolean {
  return profile === "deep" && gpus.length > 0;
}

/** Opens the sandbox and the model providers. Throws with the fix when the sandbox is not usable. */
export async function createWiring(options: WiringOptions): Promise<Wiring> {
  const sandboxModule = await import("../sandbox/index.js");
  let sandbox: Sandbox;
  let libraries: string[];
  let sandboxVersion: string | undefined;
  // MLE-bench tasks with a checkout are graded by their own grade.py in a container of their own (no pool:
  // each grading mounts a fresh folder), opened on first use.
  let gradingSandbox: Promise<Sandbox> | null = null;
  let openGradingSandbox: () => Promise<Sandbox>;
  let dockerVersion: string | undefined;
  let sandboxLimits: Record<string, unknown> | undefined;
  if (options.sandbox === "docker") {
    const docker = sandboxModule.dockerClient();
    const profile = options.sandboxProfile ?? "default";
    // On an NVIDIA host the deep profile is its CUDA variant, with the GPUs passed through.
    const gpus = options.gpus ?? profileUsesGpus(profile);
    // The default image keeps createDockerSandbox's own missing-image message.
    const image = profile === "default" ? sandboxModule.SANDBOX_IMAGE_TAG : await requireProfileImage({ docker, profile, cuda: gpus });
    sandbox = await sandboxModule.createDockerSandbox({
      docker,
      image,
      ...(gpus ? { gpus } : {}),
      ...(options.pool ? { pool: options.pool } : {}),
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    });
    openGradingSandbox = () => openMleBenchGradingSandbox(docker);
    const manifest = await sandboxModule.readImageManifest(docker, image);
    libraries = sandboxModule.whitelistLines(manifest);
    sandboxVersion = `${image} (${profile === "default" ? "" : `profile ${profile}${gpus ? " CUDA, GPUs passed through" : ""}, `}python ${manifest.python})`;
    // For the run's fingerprint: the engine's version and the limits every container gets.
    dockerVersion = await docker.version().then((v) => `${v.Version} (API ${v.ApiVersion})`, () => undefined);
    sandboxLimits = { ...sandboxModule.DEFAULT_SANDBOX_LIMITS };
  } else {
    sandbox = new sandboxModule.LocalSandbox({ warn: options.warn });
    const local = sandbox;
    openGradingSandbox = async () => local;
    libraries = sandboxModule.WHITELIST_LIBRARIES.map((l) =>
      l.importName === l.distribution ? l.distribution : `${l.distribution} (import ${l.importName})`,
    );
    sandboxVersion = "local (no isolation)";
  }
  const { createProviderResolver } = await import("../agents/index.js");
  const resolver = createProviderResolver({
    envFile: options.envFile,
    ...(options.modelsDir ? { gguf: { modelsDir: options.modelsDir } } : {}),
    ...(options.openai ? { openai: options.openai } : {}),
  });
  return {
    createTeam: teamFactory(resolver.resolve, resolver.secrets),
    sandbox,
    grade: createTaskGrader({ sandbox: { run: async (request) => (await (gradingSandbox ??= openGradingSandbox())).run(request) } satisfies GraderSandbox }),
    libraries,
    versions: { sandbox: sandboxVersion, ...(dockerVersion ? { docker: dockerVersion } : {}), ...(sandboxLimits ? { sandboxLimits } : {}) },
    secrets: resolver.secrets,
    async close() {
      await sandbox.close();
      const grading = gradingSandbox ? await gradingSandbox : null;
      if (grading && grading !== sandbox) await grading.close();
      await resolver.close();
    },
  };
}
