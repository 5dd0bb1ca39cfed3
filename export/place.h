/*
 * Where an export's files go. -o names a new or regular file (a run), a
 * directory a layout fills, or a special file (a device, a FIFO, a socket),
 * which only a preview is written to. A run's files are written under
 * private temporary names beside their destinations, recorded with the run,
 * and renamed into place after its commit: a run killed in between is
 * finished by its owner's next export (export_replay), so there is never a
 * file without its run, nor a run without its file past that export.
 * Nothing is ever renamed over anything but a regular file, and no link at
 * a destination is followed.
 */
#ifndef HITL_EXPORT_PLACE_H
#define HITL_EXPORT_PLACE_H

#include <stddef.h>
#include <stdio.h>

#include "queue.h"

enum export_target {
	EXPORT_TARGET_FILE,	/* new, or a regular file to replace */
	EXPORT_TARGET_DIR,	/* a layout's directory, new or its own */
	EXPORT_TARGET_PREVIEW	/* a special file: written, never replaced */
};

/*
 * What path is (dir_ok: a layout writes a directory there). Refuses, with
 * EX_CANTCREAT, a symbolic link (except one to a special file, such as
 * /dev/stdout), a directory unless dir_ok, a regular file if dir_ok.
 */
int	export_target_of(const char *path, int dir_ok, enum export_target *,
	    char **cause);
/*
 * Opens a preview's special file for writing: never created or truncated
 * (a FIFO waits for its reader; a socket is connected to).
 */
int	export_preview_open(const char *path, FILE **, char **cause);

/*
 * A run's files. export_files_new takes dir NULL (each file is a path of
 * its own) or the directory of a layout, made (0700) if missing; an
 * existing one is written into only if it holds nothing but files named
 * in names (NULL-terminated) and temporaries of theirs. Then, in order:
 * export_files_add for each file (a path, or a name in dir; *f is its
 * temporary, owned by the set), export_files_ready (written, synced,
 * closed; every destination still absent or a regular file), the run
 * recorded with export_files_pairs, and export_files_place, or
 * export_files_discard if the record failed.
 */
struct export_files;
int	export_files_new(const char *dir, const char *const *names,
	    struct export_files **, char **cause);
int	export_files_add(struct export_files *, const char *name, FILE **f,
	    char **cause);
/*
 * A file added to the set that is to go when the files are placed (a
 * layout's split with no records now): what an earlier run left there is
 * removed, by the replay too if hitl is stopped in between.
 */
int	export_files_remove(struct export_files *, const char *name,
	    char **cause);
int	export_files_ready(struct export_files *, char **cause);
const struct queue_export_file *export_files_pairs(struct export_files *,
	    size_t *n);
/* The run is on the record: its temporaries are no longer the set's own. */
void	export_files_recorded(struct export_files *);
/*
 * Removes the temporaries of every set that no record names yet: for a
 * handler of SIGINT or SIGTERM (it only calls unlink), so that a stopped
 * export leaves no copy of what it was writing.
 */
void	export_temps_unlink(void);
int	export_files_place(struct export_files *, char **cause);
void	export_files_discard(struct export_files *);
void	export_files_free(struct export_files *);

/*
 * Records run (its files and owner filled in from the set) and places its
 * files, signals held off in between; *id is the run's (0 if not
 * recorded), head the log's head before its event.
 */
int	export_files_commit(struct export_files *, struct queue *,
	    struct queue_export_run *, char head[65], int64_t *id,
	    char **cause);
/* Who may place a run's files after a crash: "uid:N@host". */
const char *export_owner(void);
/* Places the files of this owner's runs a crash left unplaced. */
int	export_replay(struct queue *, char **cause);

#endif
