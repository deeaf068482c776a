/*
 * topology.c - what hwloc knows about the machine: cores and cache sizes, and pinning
 * threads to cores.  The topology is loaded once per process (loading it reads sysfs
 * and runs cpuid: far too slow to repeat per pool) and never freed.
 *
 * Cores are counted among those the process may run on (hwloc's default view hides
 * CPUs outside the process's cpuset), so "core t" means the t-th allowed core.
 */
#include <hwloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "dispatch/dispatch.h"
#include "dispatch/pool.h"

static hwloc_topology_t topology; /* NULL if hwloc failed: no pinning, sizes unknown */
static pthread_once_t topology_once = PTHREAD_ONCE_INIT;

static void load_topology(void)
{
    hwloc_topology_t t;
    if (hwloc_topology_init(&t) != 0) return;
    if (hwloc_topology_load(t) != 0) {
        hwloc_topology_destroy(t);
        return;
    }
    topology = t;
}

static hwloc_topology_t get_topology(void)
{
    pthread_once(&topology_once, load_topology);
    return topology;
}

/* Size of the cache of type `type` above core 0 (0 if none). */
static size_t cache_above_core0(hwloc_topology_t t, hwloc_obj_type_t type)
{
    hwloc_obj_t core = hwloc_get_obj_by_type(t, HWLOC_OBJ_CORE, 0);
    for (hwloc_obj_t o = core; o; o = o->parent)
        if (o->type == type) return (size_t)o->attr->cache.size;
    return 0;
}

bn_status bn_topology(bn_topology_info *out)
{
    if (!out) return bn_fail(BN_E_INVALID_ARGUMENT, "bn_topology: out is NULL");
    hwloc_topology_t t = get_topology();
    if (!t) return bn_fail(BN_E_UNSUPPORTED, "bn_topology: hwloc could not load the machine topology");
    *out = (bn_topology_info){0};
    int cores = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_CORE);
    out->cores = cores > 0 ? (unsigned)cores : 0;
    out->l1d_bytes = cache_above_core0(t, HWLOC_OBJ_L1CACHE);
    out->l2_bytes = cache_above_core0(t, HWLOC_OBJ_L2CACHE);
    static const hwloc_obj_type_t levels[] = {HWLOC_OBJ_L5CACHE, HWLOC_OBJ_L4CACHE, HWLOC_OBJ_L3CACHE,
                                              HWLOC_OBJ_L2CACHE, HWLOC_OBJ_L1CACHE};
    for (size_t i = 0; i < sizeof levels / sizeof levels[0] && !out->llc_level; i++) {
        int count = hwloc_get_nbobjs_by_type(t, levels[i]);
        for (int j = 0; j < count; j++) {
            size_t size = (size_t)hwloc_get_obj_by_type(t, levels[i], (unsigned)j)->attr->cache.size;
            if (size > out->llc_bytes) out->llc_bytes = size;
            out->llc_total_bytes += size;
            out->llc_level = 5 - (unsigned)i;
        }
        out->llc_count = count > 0 ? (unsigned)count : 0;
    }
    return BN_OK;
}

unsigned bn_topology_cores(void)
{
    hwloc_topology_t t = get_topology();
    int cores = t ? hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_CORE) : 0;
    if (cores > 0) return (unsigned)cores;
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    return online > 0 ? (unsigned)online : 1;
}

static hwloc_const_cpuset_t core_cpuset(hwloc_topology_t t, unsigned core)
{
    hwloc_obj_t o = t ? hwloc_get_obj_by_type(t, HWLOC_OBJ_CORE, core) : NULL;
    return o ? o->cpuset : NULL;
}

bool bn_pin_thread(pthread_t thread, unsigned core)
{
    hwloc_topology_t t = get_topology();
    hwloc_const_cpuset_t set = core_cpuset(t, core);
    return set && hwloc_set_thread_cpubind(t, thread, set, HWLOC_CPUBIND_THREAD) == 0;
}

struct bn_binding {
    hwloc_bitmap_t cpuset;
};

bn_binding *bn_binding_save(void)
{
    hwloc_topology_t t = get_topology();
    if (!t) return NULL;
    bn_binding *b = malloc(sizeof *b);
    if (!b) return NULL;
    b->cpuset = hwloc_bitmap_alloc();
    if (!b->cpuset || hwloc_get_cpubind(t, b->cpuset, HWLOC_CPUBIND_THREAD) != 0) {
        hwloc_bitmap_free(b->cpuset);
        free(b);
        return NULL;
    }
    return b;
}

void bn_binding_restore(bn_binding *b)
{
    if (!b) return;
    hwloc_set_cpubind(get_topology(), b->cpuset, HWLOC_CPUBIND_THREAD);
    hwloc_bitmap_free(b->cpuset);
    free(b);
}

void bn_binding_free(bn_binding *b)
{
    if (!b) return;
    hwloc_bitmap_free(b->cpuset);
    free(b);
}
