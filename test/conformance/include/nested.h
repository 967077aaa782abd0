// Included by helper.h (relative to it) for include.simc.
#define NESTED_SEVEN 7
