// Entry point of the standalone debug adapter (dist/adapter.js): the SweepScope session
// speaking DAP over stdio (or a socket with --server=PORT, as @vscode/debugadapter supports).
import { DebugSession } from '@vscode/debugadapter';
import { SweepScopeSession } from './session/session';

DebugSession.run(SweepScopeSession);
