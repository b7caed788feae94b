#include "sqlite_options.h"

int sqlite_nio_sqlite3_db_config(struct sqlite3 *db, int operation, ...);

// 1007 is SQLITE_DBCONFIG_ENABLE_QPSG; the last argument would receive the setting's new value.
int tidings_sqlite_keep_query_plans(struct sqlite3 *db) { return sqlite_nio_sqlite3_db_config(db, 1007, 1, (int *)0); }
