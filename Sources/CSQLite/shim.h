#include <sqlite3.h>

// SQLITE_TRANSIENT is a macro casting -1 to a function pointer, which Swift cannot import.
static inline sqlite3_destructor_type rastro_sqlite_transient(void) { return SQLITE_TRANSIENT; }

// sqlite3_config is variadic, which Swift cannot call either. Turns SQLite's memory statistics off:
// with them on, every allocation SQLite makes takes one process-wide mutex, which every connection
// of a busy server then shares. Only possible before SQLite initializes (else SQLITE_MISUSE).
static inline int rastro_sqlite_disable_memory_statistics(void) { return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }
