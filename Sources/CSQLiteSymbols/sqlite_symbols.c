#include "sqlite_symbols.h"

typedef void (*tidings_sqlite_destructor)(void *);

int sqlite_nio_sqlite3_bind_text(
    sqlite3_stmt *statement, int index, const char *text, int bytes, tidings_sqlite_destructor destructor);

// SQLITE_TRANSIENT is the destructor value -1: a macro Swift cannot spell.
int tidings_sqlite_bind_text_copy(sqlite3_stmt *statement, int index, const char *text, int bytes) {
    return sqlite_nio_sqlite3_bind_text(statement, index, text, bytes, (tidings_sqlite_destructor)-1);
}

int sqlite_nio_sqlite3_db_config(sqlite3 *db, int operation, ...);

// A C variadic function: Swift cannot call it directly. 1007 is SQLITE_DBCONFIG_ENABLE_QPSG.
int tidings_sqlite_keep_query_plans(sqlite3 *db) { return sqlite_nio_sqlite3_db_config(db, 1007, 1, (int *)0); }
