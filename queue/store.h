/*
 * Internals of the queue shared by its files: the connection, cached prepared
 * statements, transactions, error mapping, migrations and the audit chain.
 * Nothing outside queue/ includes this.
 */
#ifndef HITL_STORE_H
#define HITL_STORE_H

#include <sqlite3.h>

#include "queue.h"

/* "hitl" in ASCII, in the SQLite header's application_id field. */
#define STORE_APPLICATION_ID	0x6869746c
#define STORE_BUSY_TIMEOUT_MS	5000
#define STORE_MAX_STMTS		96

struct store_stmt {
	const char	*sql;		/* static text: its address is the key */
	sqlite3_stmt	*stmt;
};

struct queue {
	sqlite3			*db;
	char			*path;
	int			 schema;
	int64_t			 now;		/* pinned clock, 0 if none */
	int			 busy_timeout_ms;

	struct policy		*policy;	/* cache, by version */
	int			 policy_version;

	struct store_stmt	 stmts[STORE_MAX_STMTS];
	size_t			 nstmts;
	int			 in_txn;
};

/* A cached statement, reset and with bindings cleared. */
sqlite3_stmt	*store_stmt(struct queue *, const char *sql, char **cause);

/* Maps the connection's last error to a sysexits code and message. */
int		 store_error(struct queue *, const char *what, char **cause);
int		 store_exec(struct queue *, const char *sql, char **cause);

/* Write transactions are BEGIN IMMEDIATE; a failed one is rolled back. */
int		 store_begin(struct queue *, char **cause);
int		 store_commit(struct queue *, char **cause);
void		 store_rollback(struct queue *);

/* Migrations: brings the schema to the latest version. */
int		 store_migrate(struct queue *, char **cause);
int		 store_migrations_latest(void);

/*
 * Appends an event to the hash chain, inside the caller's transaction. data
 * is consumed. The canonical serialization is the compact JSON of
 * {"seq","at","actor","event","item","data"} in that order.
 */
int		 store_audit_append(struct queue *, const char *event,
		     const char *actor, const char *item, cJSON *data,
		     char **cause);

/* The current policy, loaded from the database when its version changed. */
int		 store_policy_refresh(struct queue *, char **cause);

void		 store_now_text(const struct queue *, char out[32]);

#endif
