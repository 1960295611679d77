/**
 * The recording of one run: the mocks see each registration's inputs and return the mock state; the
 * patched mock monitor sees what the engine would (URN, parent, provider, dependencies, options) and
 * the stack's outputs. Both halves meet here, keyed by type and name in registration order.
 */
import type * as pulumi from "@pulumi/pulumi";
import { MOCK_CALLS, MOCK_RESOURCE_OUTPUTS, type MockContext } from "./mocks";
import { type ResourceReference, resolveReferences, unwrap } from "./values";

export interface RecordedResource {
  type: string;
  name: string;
  urn: string;
  id: string | undefined;
  parentUrn: string | undefined;
  /** The parent's type token, from its URN. */
  parentType: string | undefined;
  /** Provider reference (`<urn>::<id>`) when one was passed explicitly. */
  provider: string | undefined;
  /**
   * URNs the resource depends on: explicit `dependsOn` and the resources its inputs came from. Always
   * set by {@link runProgram}; optional so hand-built records (policy test fixtures) need not carry it.
   */
  dependencies?: string[];
  custom: boolean;
  /** Inputs as the engine received them (secrets unwrapped; see `secretInputs`). */
  inputs: Record<string, unknown>;
  /** What the (mock) provider returned: inputs plus the outputs from {@link MOCK_RESOURCE_OUTPUTS}. */
  state: Record<string, unknown>;
  /** Top-level input names whose value was, or contained, a secret. */
  secretInputs: string[];
  /** The `retainOnDelete` resource option: `pulumi destroy` forgets the resource instead of deleting it. */
  retainOnDelete?: boolean;
  /** The `protect` resource option: the engine refuses to delete the resource (destroy or replacement). */
  protect?: boolean;
  /**
   * The `aliases` resource option: each earlier name (or URN) this resource was known by, with the
   * parent it was under (`parentUrn` "" for none or a URN alias).
   */
  aliases?: { name: string; parentUrn: string }[];
  /** The `ignoreChanges` resource option (property paths). Optional for hand-built records. */
  ignoreChanges?: string[];
  /** The `deleteBeforeReplace` resource option. Optional for hand-built records. */
  deleteBeforeReplace?: boolean;
  /** The `customTimeouts` resource option (Go durations such as "45m"), when given. */
  customTimeouts?: { create?: string; update?: string; delete?: string };
  /** The `replacementTrigger` resource option (the resource is replaced when it changes), when set. */
  replacementTrigger?: unknown;
}

export interface RecordedCall {
  token: string;
  inputs: Record<string, unknown>;
}

export interface StackOutput {
  value: unknown;
  secret: boolean;
}
/** The protobuf request the runtime sends the monitor: only the getters the recording reads. */
interface MonitorRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProvider(): string;
  getDependenciesList(): string[];
  getCustom(): boolean;
  getRetainondelete(): boolean | undefined;
  getProtect(): boolean | undefined;
  getAliasesList(): {
    getUrn(): string;
    getSpec(): { getName(): string; getParenturn(): string } | undefined;
  }[];
  getUrn(): string;
  getIgnorechangesList(): string[];
  getDeletebeforereplace(): boolean;
  getCustomtimeouts(): { getCreate(): string; getUpdate(): string; getDelete(): string } | undefined;
  hasReplacementTrigger(): boolean;
  getReplacementTrigger(): { toJavaScript(): unknown } | undefined;
  getOutputs(): { toJavaScript(): Record<string, unknown> } | undefined;
}
type Callback = (err: unknown, response: { getUrn?: () => string } | undefined) => void;
export interface PatchableMonitor {
  registerResource(req: MonitorRequest, callback: Callback): Promise<void>;
  registerResourceOutputs(req: MonitorRequest, callback: Callback): void;
}

/** What the mocks saw of a registration, waiting for the monitor's URN. */
interface MockedRegistration {
  inputs: Record<string, unknown>;
  state: Record<string, unknown>;
  secretInputs: string[];
  id: string;
}

export class Recording {
  readonly resources: RecordedResource[] = [];
  readonly calls: RecordedCall[] = [];
  /** The root stack's outputs, as registered (secrets still wrapped). */
  stackOutputs: Record<string, unknown> | undefined;
  private readonly pending = new Map<string, MockedRegistration[]>();

  constructor(private readonly ctx: MockContext) {}

  /** The mocks for `pulumi.runtime.setMocks`. */
  mocks(): pulumi.runtime.Mocks {
    return {
      newResource: (args) => this.newResource(args),
      call: (args) => this.call(args),
    };
  }

  /** Wraps the mock monitor so each registration and the stack's outputs are recorded. */
  patchMonitor(monitor: PatchableMonitor): void {
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, callback) =>
      register(req, (err, response) => {
        if (!err && response?.getUrn) this.record(req, response.getUrn());
        callback(err, response);
      });
    const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (req, callback) => {
      if (req.getUrn().split("::")[2] === "pulumi:pulumi:Stack") {
        this.stackOutputs = req.getOutputs()?.toJavaScript() ?? {};
      }
      registerOutputs(req, callback);
    };
  }

  /** Replaces every resource passed as an input by its URN, once every registration is in. */
  resolveReferences(): void {
    const urnOf = (ref: ResourceReference): string => {
      const found = this.resources.filter((r) => r.type === ref.type && r.name === ref.name);
      // Unresolvable only when the program failed before registering it: keep what it named.
      return found.length === 1 ? (found[0] as RecordedResource).urn : `${ref.type}::${ref.name}`;
    };
    for (const r of this.resources) {
      r.inputs = resolveReferences(r.inputs, urnOf) as Record<string, unknown>;
      r.state = resolveReferences(r.state, urnOf) as Record<string, unknown>;
    }
  }

  private newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
    const mock = MOCK_RESOURCE_OUTPUTS[args.type];
    const secretInputs = Object.keys(args.inputs).filter((k) => unwrap(args.inputs[k]).secret);
    const inputs = unwrap(args.inputs).value as Record<string, unknown>;
    const state: Record<string, unknown> = {
      ...inputs,
      ...(mock ? mock({ ...args, inputs }, this.ctx) : {}),
    };
    const id = (state.id as string | undefined) ?? `${args.name}-id`;
    const key = `${args.type}\0${args.name}`;
    const queue = this.pending.get(key) ?? [];
    queue.push({ inputs, state, secretInputs, id });
    this.pending.set(key, queue);
    return { id, state };
  }

  private call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    const mock = MOCK_CALLS[args.token];
    const inputs = unwrap(args.inputs).value as Record<string, unknown>;
    this.calls.push({ token: args.token, inputs });
    if (!mock) {
      throw new Error(
        `harness: no mock for function ${args.token}; add one to MOCK_CALLS in tools/harness/mocks.ts`,
      );
    }
    return mock(inputs, this.ctx);
  }

  private record(req: MonitorRequest, urn: string): void {
    const entry = this.pending.get(`${req.getType()}\0${req.getName()}`)?.shift();
    const parentUrn = req.getParent() || undefined;
    const aliases = req.getAliasesList();
    this.resources.push({
      type: req.getType(),
      name: req.getName(),
      urn,
      id: entry?.id,
      parentUrn,
      parentType: parentUrn ? parentUrn.split("::")[2]?.split("$").pop() : undefined,
      provider: req.getProvider() || undefined,
      dependencies: req.getDependenciesList(),
      custom: req.getCustom(),
      inputs: entry?.inputs ?? {},
      state: entry?.state ?? {},
      secretInputs: entry?.secretInputs ?? [],
      ...(req.getRetainondelete() && { retainOnDelete: true }),
      ...(req.getProtect() && { protect: true }),
      ...(aliases.length > 0 && {
        aliases: aliases.map((a) => ({
          name: a.getUrn() || (a.getSpec()?.getName() ?? ""),
          parentUrn: a.getSpec()?.getParenturn() ?? "",
        })),
      }),
      ignoreChanges: req.getIgnorechangesList(),
      deleteBeforeReplace: req.getDeletebeforereplace(),
      ...customTimeouts(req),
      ...(req.hasReplacementTrigger() && { replacementTrigger: req.getReplacementTrigger()?.toJavaScript() }),
    });
  }
}

/** The customTimeouts option as given (empty durations are unset). */
function customTimeouts(req: MonitorRequest): Pick<RecordedResource, "customTimeouts"> {
  const t = req.getCustomtimeouts();
  if (t === undefined) return {};
  const entries = Object.entries({ create: t.getCreate(), update: t.getUpdate(), delete: t.getDelete() });
  const given = entries.filter(([, value]) => value !== "");
  return given.length > 0 ? { customTimeouts: Object.fromEntries(given) } : {};
}
