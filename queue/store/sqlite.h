/*
 * What the SQLite backend's files share: its schema's migrations.
 */
#ifndef HITL_STORE_SQLITE_H
#define HITL_STORE_SQLITE_H

#include <stddef.h>

#include "store.h"

extern const struct store_migration	 sqlite_migrations[];
extern const size_t			 sqlite_nmigrations;

#endif
