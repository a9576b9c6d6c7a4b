// The two POSIX/glibc calls FeatureMapsWeights' ReaderProcess needs that <unistd.h> and
// <spawn.h> declare only under _GNU_SOURCE, which Swift's Glibc module is built without.
// Each wrapper calls one function and returns what it returns. Nothing else belongs here.
#ifndef CSPAWN_SHIM_H
#define CSPAWN_SHIM_H
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <unistd.h>

int pipe2(int fds[2], int flags);
// glibc 2.34 and later; weak, so that a C library without it still links (the wrapper then
// reports ENOSYS and the caller relies on its descriptors being close-on-exec).
int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *actions, int from) __attribute__((weak));

/// pipe2(fds, O_CLOEXEC): both ends close-on-exec from the start, so that no program another
/// thread starts meanwhile inherits them. 0, or -1 with errno.
static inline int cspawn_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

/// posix_spawn_file_actions_addclosefrom_np(actions, from): the child closes every descriptor
/// from `from` up before it runs the program. 0, or an errno value (ENOSYS: not available).
static inline int cspawn_add_close_from(posix_spawn_file_actions_t *actions, int from) {
    if (!posix_spawn_file_actions_addclosefrom_np) return ENOSYS;
    return posix_spawn_file_actions_addclosefrom_np(actions, from);
}
#endif
