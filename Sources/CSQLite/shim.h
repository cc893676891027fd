#ifndef CSQLITE_SHIM_H
#define CSQLITE_SHIM_H

#include <sqlite3.h>

/* SQLITE_TRANSIENT is a cast macro that Swift cannot import; these inline
   helpers bind text/blob with SQLITE_TRANSIENT (SQLite copies the bytes before
   returning, so the Swift buffer only has to live for the duration of the call). */

static inline int csqlite_bind_text_transient(sqlite3_stmt *stmt, int index,
                                              const char *bytes, sqlite3_uint64 length) {
    if (length <= 0x7fffffff) {
        return sqlite3_bind_text(stmt, index, bytes, (int)length, SQLITE_TRANSIENT);
    }
    return sqlite3_bind_text64(stmt, index, bytes, length, SQLITE_TRANSIENT, SQLITE_UTF8);
}

static inline int csqlite_bind_blob_transient(sqlite3_stmt *stmt, int index,
                                              const void *bytes, sqlite3_uint64 length) {
    if (length <= 0x7fffffff) {
        return sqlite3_bind_blob(stmt, index, bytes, (int)length, SQLITE_TRANSIENT);
    }
    return sqlite3_bind_blob64(stmt, index, bytes, length, SQLITE_TRANSIENT);
}

#endif
