#ifndef TIDINGS_SQLITE_OPTIONS_H
#define TIDINGS_SQLITE_OPTIONS_H

// SQLite settings that Swift cannot make itself, because SQLite takes them through a C variadic
// function (`sqlite3_db_config`). The function is the one SQLiteNIO compiles into the program,
// renamed `sqlite_nio_sqlite3_db_config`; if SQLiteNIO ever renames it, the link fails.

struct sqlite3;

/// Turns on SQLite's query planner stability guarantee (SQLITE_DBCONFIG_ENABLE_QPSG) for the
/// connection: a prepared statement keeps its plan whatever values are bound to it. Returns
/// SQLite's result code.
int tidings_sqlite_keep_query_plans(struct sqlite3 *db);

#endif
