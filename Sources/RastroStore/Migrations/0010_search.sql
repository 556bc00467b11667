-- 0010: the workbench's search index: the words of each record's names, tax ids, chemical CAS
-- numbers and references, folded (case and accents out) by the resolver's normalization, and the
-- words of resolved entities' names (kind 'entities'). Personal fields (see Redactor) are never
-- indexed, so a match can never reveal a withheld value. Derived data: rebuilt from the records,
-- the marks say how far (the last load file and resolution run indexed).
-- Append-only: never edit once shipped.

CREATE TABLE search_words (
    word TEXT NOT NULL,
    kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    PRIMARY KEY (word, kind, record_id)
) /*sqlite: WITHOUT ROWID*/;
CREATE INDEX search_words_record ON search_words (kind, record_id);

CREATE TABLE search_marks (
    name TEXT PRIMARY KEY,
    mark TEXT NOT NULL
);
