import { loadConfig } from '../config/load.js';
import type { AppContext } from '../context.js';
import type { Daemon } from './daemon.js';

/** What the signals act on; installed before the daemon starts, so no signal finds the default action. */
export type SignalTarget = Pick<Daemon, 'stop' | 'reload'>;

/**
 * Signals of a running daemon. SIGTERM / SIGINT: a graceful stop (a second one
 * does not cut the grace short: systemd's TimeoutStopSec is the hard limit).
 * SIGHUP: reload the config file; an invalid one is rejected and the running
 * config kept, so a typo never takes the bot down.
 */
export function handleSignals(ctx: AppContext, daemon: SignalTarget): () => void {
  const onStop = (signal: NodeJS.Signals): void => {
    ctx.log.info({ signal }, 'stop requested');
    void daemon.stop();
  };
  const onHup = (): void => {
    try {
      daemon.reload(loadConfig(ctx.configFile));
    } catch (err) {
      ctx.log.error(
        { err, file: ctx.configFile },
        'config reload rejected: keeping the running config',
      );
    }
  };
  process.on('SIGTERM', onStop);
  process.on('SIGINT', onStop);
  process.on('SIGHUP', onHup);
  return () => {
    process.off('SIGTERM', onStop);
    process.off('SIGINT', onStop);
    process.off('SIGHUP', onHup);
  };
}
