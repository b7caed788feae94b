#ifndef TIDINGS_SQLITE_SYMBOLS_H
#define TIDINGS_SQLITE_SYMBOLS_H

// The part of SQLite's C API that Tidings' own read connections use (SQLiteEngine's row path).
//
// SQLiteNIO compiles SQLite into every program that uses it, with each function renamed
// `sqlite_nio_sqlite3_…` so that it never clashes with a system libsqlite3, but does not export
// its C module to other packages. These declarations name the same functions, with SQLite's own
// signatures, so that Tidings talks to the very library SQLiteNIO links (one copy of SQLite in
// the process: two copies would break each other's POSIX file locks). Should SQLiteNIO ever
// rename them, the link fails; it cannot silently bind to something else.

#include <stdint.h>

typedef struct sqlite3 sqlite3;
typedef struct sqlite3_stmt sqlite3_stmt;

#define TIDINGS_SQLITE_OK 0
#define TIDINGS_SQLITE_ROW 100
#define TIDINGS_SQLITE_DONE 101
#define TIDINGS_SQLITE_INTEGER 1
#define TIDINGS_SQLITE_FLOAT 2
#define TIDINGS_SQLITE_TEXT 3
#define TIDINGS_SQLITE_BLOB 4
#define TIDINGS_SQLITE_NULL 5
#define TIDINGS_SQLITE_OPEN_READWRITE 0x00000002
#define TIDINGS_SQLITE_OPEN_NOMUTEX 0x00008000
#define TIDINGS_SQLITE_PREPARE_PERSISTENT 0x01

int sqlite_nio_sqlite3_open_v2(const char *filename, sqlite3 **db, int flags, const char *vfs);
int sqlite_nio_sqlite3_close_v2(sqlite3 *db);
int sqlite_nio_sqlite3_exec(sqlite3 *db, const char *sql, void *callback, void *argument, char **error);
int sqlite_nio_sqlite3_busy_timeout(sqlite3 *db, int milliseconds);
/// Turns on SQLite's query planner stability guarantee (SQLITE_DBCONFIG_ENABLE_QPSG): a prepared
/// statement keeps its plan whatever values are bound to it.
int tidings_sqlite_keep_query_plans(sqlite3 *db);
const char *sqlite_nio_sqlite3_errmsg(sqlite3 *db);
int sqlite_nio_sqlite3_extended_errcode(sqlite3 *db);

int sqlite_nio_sqlite3_prepare_v3(
    sqlite3 *db, const char *sql, int bytes, unsigned int flags, sqlite3_stmt **statement, const char **tail);
int sqlite_nio_sqlite3_finalize(sqlite3_stmt *statement);
int sqlite_nio_sqlite3_reset(sqlite3_stmt *statement);
int sqlite_nio_sqlite3_step(sqlite3_stmt *statement);

int sqlite_nio_sqlite3_bind_null(sqlite3_stmt *statement, int index);
int sqlite_nio_sqlite3_bind_int64(sqlite3_stmt *statement, int index, int64_t value);
int sqlite_nio_sqlite3_bind_double(sqlite3_stmt *statement, int index, double value);
/// Binds text that SQLite copies at once (SQLITE_TRANSIENT), so the caller's buffer may go.
int tidings_sqlite_bind_text_copy(sqlite3_stmt *statement, int index, const char *text, int bytes);

int sqlite_nio_sqlite3_column_count(sqlite3_stmt *statement);
int sqlite_nio_sqlite3_column_type(sqlite3_stmt *statement, int column);
int64_t sqlite_nio_sqlite3_column_int64(sqlite3_stmt *statement, int column);
double sqlite_nio_sqlite3_column_double(sqlite3_stmt *statement, int column);
const unsigned char *sqlite_nio_sqlite3_column_text(sqlite3_stmt *statement, int column);
int sqlite_nio_sqlite3_column_bytes(sqlite3_stmt *statement, int column);

#endif
