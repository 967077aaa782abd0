// The declarations the VM supplies for runtime `none` (plain SimC programs): minimal M, G, P,
// Lock, Note and Sched structs with exactly the fields the VM needs, the scheduler globals,
// and the status constants.
export const PRELUDE_PATH = '<prelude>/none.simc';

export const PRELUDE_SOURCE = `
typedef struct M M;
typedef struct G G;
typedef struct P P;
typedef struct Lock Lock;
typedef struct Note Note;
typedef struct Sched Sched;
struct Lock { uint32 key; };
struct Note { uint32 key; };
struct G {
\tuintptr stackguard0;
\tuintptr stackguard;
\tuintptr stackbase;
\tuintptr stack0;
\tuintptr sched_sp;
\tint64 goid;
\tuint32 status;
\tbool preempt;
\tint8 *waitreason;
\tM *m;
};
struct M {
\tG *g0;
\tG *curg;
\tP *p;
\tint32 id;
\tint32 locks;
\tint32 mallocing;
\tint32 gcing;
};
struct P {
\tint32 id;
\tuint32 status;
\tM *m;
};
struct Sched {
\tuint32 gcwaiting;
\tint32 stopwait;
};
Sched runtime·sched;
extern M *m;
extern G *g;
enum { Gidle, Grunnable, Grunning, Gsyscall, Gwaiting, Gmoribund_unused, Gdead };
enum { Pidle, Prunning, Psyscall, Pgcstop, Pdead };
`;
