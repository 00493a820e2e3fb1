import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 }).toString();

/**
 * Why network namespaces cannot be made here, or null when they can: `ip netns add` needs iproute2 and
 * CAP_NET_ADMIN (root, or a container started with that capability). Tries it with a throwaway namespace.
 */
export function netnsUnavailable(): string | null {
  const probe = `pmcprobe-${process.pid}-${randomBytes(2).toString('hex')}`;
  try {
    ip('netns', 'add', probe);
  } catch (error) {
    const reason = (error as { code?: string; stderr?: Buffer }).code === 'ENOENT' ? '`ip` not found (install iproute2)' : ((error as { stderr?: Buffer }).stderr?.toString().trim() || (error as Error).message);
    return `cannot create a network namespace (${reason}); this test needs iproute2 and CAP_NET_ADMIN`;
  }
  try {
    ip('netns', 'del', probe);
  } catch {
    // gone already
  }
  return null;
}

/** A /24 under 10.213.0.0/16 that no route or address of this machine uses yet, e.g. "10.213.57". */
function freeSubnet(): string {
  const used = ip('-4', 'addr') + ip('-4', 'route');
  for (let attempt = 0; attempt < 100; attempt++) {
    const subnet = `10.213.${16 + Math.floor(Math.random() * 224)}`;
    if (!used.includes(`${subnet}.`)) return subnet;
  }
  throw new Error('no free 10.213.x.0/24 subnet');
}

interface Host {
  ns: string;
  address: string;
  /** The host's interface, inside its namespace. */
  device: string;
}

/**
 * Hosts of a test's own, each a network namespace with one address on a /24 of its own, joined by a bridge in a
 * "switch" namespace (so the machine's own firewall and bridge filtering never see the traffic). This process
 * stays in the root namespace and reaches every host through one more veth pair, at `gateway` (.1).
 *
 * Names carry a random prefix (pmc<4 hex>), so concurrent runs never meet; destroy() removes everything and is
 * safe to call twice, and is also run when the process exits.
 */
export class NetnsLab {
  readonly hosts = new Map<string, Host>();
  readonly gateway: string;
  private readonly switchNs: string;
  private readonly rootDevice: string;
  private destroyed = false;
  private readonly onExit = () => this.destroy();

  private constructor(
    readonly prefix: string,
    readonly subnet: string,
  ) {
    this.gateway = `${subnet}.1`;
    this.switchNs = `${prefix}-switch`;
    this.rootDevice = `${prefix}r`;
    process.once('exit', this.onExit);
  }

  /** Creates one namespace per name (addresses .2, .3, ... in order) and wires them to the switch. */
  static create(names: string[]): NetnsLab {
    const lab = new NetnsLab(`pmc${randomBytes(2).toString('hex')}`, freeSubnet());
    try {
      lab.wire(names);
    } catch (error) {
      lab.destroy();
      throw error;
    }
    return lab;
  }

  private wire(names: string[]): void {
    const sw = this.switchNs;
    ip('netns', 'add', sw);
    ip('-n', sw, 'link', 'set', 'lo', 'up');
    ip('-n', sw, 'link', 'add', 'br0', 'type', 'bridge');
    ip('-n', sw, 'link', 'set', 'br0', 'up');
    // This process's way in: <prefix>r here, <prefix>rs on the bridge.
    ip('link', 'add', this.rootDevice, 'type', 'veth', 'peer', 'name', `${this.rootDevice}s`);
    ip('link', 'set', `${this.rootDevice}s`, 'netns', sw);
    ip('-n', sw, 'link', 'set', `${this.rootDevice}s`, 'master', 'br0', 'up');
    ip('addr', 'add', `${this.gateway}/24`, 'dev', this.rootDevice);
    ip('link', 'set', this.rootDevice, 'up');
    names.forEach((name, index) => {
      const host: Host = { ns: `${this.prefix}-${name}`, address: `${this.subnet}.${index + 2}`, device: `${this.prefix}h${index}` };
      ip('netns', 'add', host.ns);
      this.hosts.set(name, host);
      ip('-n', host.ns, 'link', 'set', 'lo', 'up');
      ip('link', 'add', host.device, 'type', 'veth', 'peer', 'name', `${host.device}s`);
      ip('link', 'set', host.device, 'netns', host.ns);
      ip('link', 'set', `${host.device}s`, 'netns', sw);
      ip('-n', sw, 'link', 'set', `${host.device}s`, 'master', 'br0', 'up');
      ip('-n', host.ns, 'addr', 'add', `${host.address}/24`, 'dev', host.device);
      ip('-n', host.ns, 'link', 'set', host.device, 'up');
    });
  }

  private host(name: string): Host {
    const host = this.hosts.get(name);
    if (!host) throw new Error(`no host ${name} in ${this.prefix}`);
    return host;
  }

  address(name: string): string {
    return this.host(name).address;
  }

  /** The command line that runs a program on host `name` (`ip netns exec` exec's it: same pid). */
  launcher(name: string): string[] {
    return ['ip', 'netns', 'exec', this.host(name).ns];
  }

  /** Pulls the plug: the host's only link goes down (its connections get no packets through until restore). */
  cut(name: string): void {
    const host = this.host(name);
    ip('-n', host.ns, 'link', 'set', host.device, 'down');
  }

  restore(name: string): void {
    const host = this.host(name);
    ip('-n', host.ns, 'link', 'set', host.device, 'up');
  }

  /** Whether the host's link is up, as the kernel reports it. */
  isUp(name: string): boolean {
    const host = this.host(name);
    return /[<,]UP[,>]/.test(ip('-n', host.ns, 'link', 'show', host.device));
  }

  /**
   * Kills (SIGKILL) whatever still runs in the namespaces, which are this lab's alone, then deletes them and the
   * root end of the switch link (a namespace with processes left would live on, detached, until they exit).
   * Synchronous, so it also runs from the exit handler.
   */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    process.removeListener('exit', this.onExit);
    const namespaces = [...[...this.hosts.values()].map((host) => host.ns), this.switchNs];
    for (let round = 0; round < 20; round++) {
      const pids = namespaces.flatMap((ns) => {
        try {
          return ip('netns', 'pids', ns).split(/\s+/).filter(Boolean).map(Number);
        } catch {
          return [];
        }
      });
      if (pids.length === 0) break;
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // exited meanwhile
        }
      }
      execFileSync('sleep', ['0.1']);
    }
    for (const ns of namespaces) {
      try {
        ip('netns', 'del', ns);
      } catch {
        // never made, or gone
      }
    }
    try {
      ip('link', 'del', this.rootDevice);
    } catch {
      // went with the switch namespace
    }
  }
}
