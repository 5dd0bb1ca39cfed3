/*
 * What the PostgreSQL backend's files share: its schema's migrations, and
 * the lock on the log's head.
 */
#ifndef HITL_STORE_PG_H
#define HITL_STORE_PG_H

#include <stddef.h>

#include "store.h"

extern const struct store_migration	 pg_migrations[];
extern const size_t			 pg_nmigrations;

int	pg_lock_log(struct queue *, char **cause);

#endif
