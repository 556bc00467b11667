/*
 * The cheapest client of SQLite there is, for the ingest benchmark's floor (scripts/bench/ingest.sh,
 * FLOOR=1): it reads rows that are already parsed and validated into memory (not timed), then
 * times only writing them the way rastro's load does: one transaction, one reused prepared
 * 64-row INSERT with every value bound without a copy, the remainder one row at a time, then the
 * statements in POST (index builds), the commit and the close's checkpoint.
 *
 *   floor_client SRC_DB SELECT DEST_DB TABLE PRE POST
 *
 * SELECT runs on SRC_DB and gives the columns of TABLE in order; DEST_DB already holds TABLE (made
 * by the caller, untimed). PRE runs right after DEST_DB is opened (pragmas), POST before COMMIT.
 * Prints "<seconds> <rows>" on stdout. Build: cc -O2 -o floor_client floor_client.c -lsqlite3
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BATCH 64

typedef struct {
    int type;
    union {
        sqlite3_int64 i;
        double d;
        struct { size_t offset; int length; } t;
    } v;
} Cell;

static void fail(sqlite3 *db, const char *what) {
    fprintf(stderr, "floor_client: %s: %s\n", what, db ? sqlite3_errmsg(db) : "out of memory");
    exit(1);
}

static void run(sqlite3 *db, const char *sql, const char *what) {
    char *message = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &message) != SQLITE_OK) {
        fprintf(stderr, "floor_client: %s: %s\n", what, message ? message : "?");
        exit(1);
    }
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void bind_row(sqlite3_stmt *statement, int first, const Cell *cells, int columns, const char *text) {
    for (int c = 0; c < columns; c++) {
        const Cell *cell = &cells[c];
        int index = first + c;
        switch (cell->type) {
        case SQLITE_INTEGER: sqlite3_bind_int64(statement, index, cell->v.i); break;
        case SQLITE_FLOAT: sqlite3_bind_double(statement, index, cell->v.d); break;
        case SQLITE_TEXT: sqlite3_bind_text(statement, index, text + cell->v.t.offset, cell->v.t.length, SQLITE_STATIC); break;
        default: sqlite3_bind_null(statement, index); break;
        }
    }
}

static char *insert_sql(const char *table, int columns, int rows) {
    size_t size = strlen(table) + 32 + (size_t)rows * ((size_t)columns * 3 + 4);
    char *sql = malloc(size);
    if (!sql) fail(NULL, "insert statement");
    char *p = sql + sprintf(sql, "INSERT INTO %s VALUES ", table);
    for (int r = 0; r < rows; r++) {
        *p++ = r ? ',' : ' ';
        *p++ = '(';
        for (int c = 0; c < columns; c++) { if (c) *p++ = ','; *p++ = '?'; }
        *p++ = ')';
    }
    *p = 0;
    return sql;
}

int main(int argc, char **argv) {
    if (argc != 7) {
        fprintf(stderr, "usage: floor_client SRC_DB SELECT DEST_DB TABLE PRE POST\n");
        return 2;
    }
    const char *source_path = argv[1], *select = argv[2], *dest_path = argv[3], *table = argv[4];
    const char *pre = argv[5], *post = argv[6];

    /* As rastro's connections: no memory statistics (each allocation would take a global mutex).
       Only possible before SQLite initializes, so first. */
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);

    /* Untimed: every row into memory. */
    sqlite3 *source = NULL;
    if (sqlite3_open_v2(source_path, &source, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) fail(source, "opening the source");
    sqlite3_stmt *query = NULL;
    if (sqlite3_prepare_v2(source, select, -1, &query, NULL) != SQLITE_OK) fail(source, "the SELECT");
    int columns = sqlite3_column_count(query);
    size_t rows = 0, capacity = 1 << 16, text_used = 0, text_capacity = 1 << 24;
    Cell *cells = malloc(capacity * (size_t)columns * sizeof(Cell));
    char *text = malloc(text_capacity);
    if (!cells || !text) fail(NULL, "memory");
    int status;
    while ((status = sqlite3_step(query)) == SQLITE_ROW) {
        if (rows == capacity) {
            capacity *= 2;
            cells = realloc(cells, capacity * (size_t)columns * sizeof(Cell));
            if (!cells) fail(NULL, "memory");
        }
        for (int c = 0; c < columns; c++) {
            Cell *cell = &cells[rows * (size_t)columns + (size_t)c];
            cell->type = sqlite3_column_type(query, c);
            switch (cell->type) {
            case SQLITE_INTEGER: cell->v.i = sqlite3_column_int64(query, c); break;
            case SQLITE_FLOAT: cell->v.d = sqlite3_column_double(query, c); break;
            case SQLITE_TEXT: {
                const unsigned char *bytes = sqlite3_column_text(query, c);
                int length = sqlite3_column_bytes(query, c);
                while (text_used + (size_t)length > text_capacity) {
                    text_capacity *= 2;
                    text = realloc(text, text_capacity);
                    if (!text) fail(NULL, "memory");
                }
                memcpy(text + text_used, bytes, (size_t)length);
                cell->v.t.offset = text_used;
                cell->v.t.length = length;
                text_used += (size_t)length;
                break;
            }
            default: cell->type = SQLITE_NULL; break;
            }
        }
        rows++;
    }
    if (status != SQLITE_DONE) fail(source, "reading the source");
    sqlite3_finalize(query);
    sqlite3_close(source);

    /* Timed: the load. */
    double start = now();
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(dest_path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) fail(db, "opening the destination");
    run(db, pre, "PRE");
    run(db, "BEGIN", "BEGIN");
    char *batch_sql = insert_sql(table, columns, BATCH), *one_sql = insert_sql(table, columns, 1);
    sqlite3_stmt *batch = NULL, *one = NULL;
    if (sqlite3_prepare_v2(db, batch_sql, -1, &batch, NULL) != SQLITE_OK) fail(db, "the batch INSERT");
    if (sqlite3_prepare_v2(db, one_sql, -1, &one, NULL) != SQLITE_OK) fail(db, "the INSERT");
    size_t row = 0;
    for (; row + BATCH <= rows; row += BATCH) {
        for (int r = 0; r < BATCH; r++) bind_row(batch, 1 + r * columns, &cells[(row + (size_t)r) * (size_t)columns], columns, text);
        if (sqlite3_step(batch) != SQLITE_DONE) fail(db, "inserting");
        sqlite3_reset(batch);
    }
    for (; row < rows; row++) {
        bind_row(one, 1, &cells[row * (size_t)columns], columns, text);
        if (sqlite3_step(one) != SQLITE_DONE) fail(db, "inserting");
        sqlite3_reset(one);
    }
    sqlite3_finalize(batch);
    sqlite3_finalize(one);
    run(db, post, "POST");
    run(db, "COMMIT", "COMMIT");
    if (sqlite3_close(db) != SQLITE_OK) fail(db, "closing");
    printf("%.3f %zu\n", now() - start, rows);
    free(cells);
    free(text);
    free(batch_sql);
    free(one_sql);
    return 0;
}
