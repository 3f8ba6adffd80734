#ifndef TALLY_CSQLITE_SHIM_H
#define TALLY_CSQLITE_SHIM_H
#include <sqlite3.h>

/* SQLITE_TRANSIENT is a function-pointer cast macro Swift cannot import. */
static inline int tally_sqlite3_bind_text_transient(sqlite3_stmt *s, int i, const char *v, int n) {
    return sqlite3_bind_text(s, i, v, n, SQLITE_TRANSIENT);
}
static inline int tally_sqlite3_bind_blob_static(sqlite3_stmt *s, int i, const void *v, int n) {
    return sqlite3_bind_blob(s, i, v, n, SQLITE_STATIC);
}
static inline int tally_sqlite3_bind_blob_transient(sqlite3_stmt *s, int i, const void *v, int n) {
    return sqlite3_bind_blob(s, i, v, n, SQLITE_TRANSIENT);
}
/* SQLITE_STATIC: the caller keeps the bytes alive until the statement is stepped and reset. */
static inline int tally_sqlite3_bind_text_static(sqlite3_stmt *s, int i, const char *v, int n) {
    return sqlite3_bind_text(s, i, v, n, SQLITE_STATIC);
}
/* sqlite3_db_config is variadic, which Swift cannot call; this fixes the (int, int*) form. */
static inline int tally_sqlite3_db_config_int(sqlite3 *db, int op, int value) {
    return sqlite3_db_config(db, op, value, (int *)0);
}
/* sqlite3_config is variadic too. Memory statistics take a global mutex on every allocation; Tally does not
   read them. Must run before the library initializes (before the first open). */
static inline int tally_sqlite3_disable_memstatus(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
#endif
