/*
 * sampler.h - next-token selection (internal; the public API in bitnet.h wraps it).
 */
#ifndef BN_MODEL_SAMPLER_H
#define BN_MODEL_SAMPLER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bitnet.h"
#include "dispatch/dispatch.h"

/* Everything public is in bitnet.h (bn_sampler_*); this header gives sampler.c the
 * internal error helper. */

#endif /* BN_MODEL_SAMPLER_H */
