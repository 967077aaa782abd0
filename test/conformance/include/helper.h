// Helper header for include.simc: a struct, a function and a macro; includes nested.h, which is
// found relative to this file.
#include "nested.h"

#define HELPER_ANSWER 42

typedef struct Vec Vec;
struct Vec {
    int32 x;
    int32 y;
};

int32
vecsum(Vec *v)
{
    return v->x + v->y;
}
