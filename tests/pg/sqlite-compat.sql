-- The few SQLite functions the CLI tests' own SQL uses, for PostgreSQL: the
-- test cluster loads them into template1, so every test database has them,
-- in a schema of their own that the tests search (tests/cli/lib.sh) and
-- hitl never does (its search_path is hitl, pg_catalog). They are the
-- tests' tools, never hitl's; each returns what SQLite's returns for the
-- values the tests give it.
CREATE SCHEMA sqlite_compat;
SET search_path = sqlite_compat, pg_catalog;

-- hex(X): the bytes of the text's UTF-8 form, in upper-case hex.
CREATE FUNCTION hex(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT AS
$$ SELECT upper(encode(convert_to($1, 'UTF8'), 'hex')) $$;
CREATE FUNCTION hex(bigint) RETURNS text LANGUAGE sql IMMUTABLE STRICT AS
$$ SELECT upper(encode(convert_to(CAST($1 AS text), 'UTF8'), 'hex')) $$;

-- substr(X, Y, Z) of SQLite's 64-bit integers.
CREATE FUNCTION substr(text, bigint, bigint) RETURNS text LANGUAGE sql
IMMUTABLE STRICT AS $$ SELECT pg_catalog.substr($1, CAST($2 AS integer),
    CAST($3 AS integer)) $$;

CREATE FUNCTION instr(text, text) RETURNS integer LANGUAGE sql IMMUTABLE
STRICT AS $$ SELECT strpos($1, $2) $$;

CREATE FUNCTION ifnull(text, text) RETURNS text LANGUAGE sql IMMUTABLE AS
$$ SELECT coalesce($1, $2) $$;

-- group_concat(X [, SEPARATOR]): in the order the rows come (the tests
-- order them in a subquery, as they do for SQLite).
CREATE FUNCTION group_concat_step(text, text, text) RETURNS text
LANGUAGE sql IMMUTABLE AS
$$ SELECT CASE WHEN $2 IS NULL THEN $1 WHEN $1 IS NULL THEN $2
    ELSE $1 || $3 || $2 END $$;
CREATE FUNCTION group_concat_step(text, text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT group_concat_step($1, $2, ',') $$;
CREATE AGGREGATE group_concat(text) (SFUNC = group_concat_step,
    STYPE = text);
CREATE AGGREGATE group_concat(text, text) (SFUNC = group_concat_step,
    STYPE = text);

-- SQLite's JSON paths the tests use ($.a.b, $[0].c) are SQL/JSON paths
-- too. A string comes back as its text, anything else as its JSON.
CREATE FUNCTION json_extract(text, text) RETURNS text LANGUAGE sql
IMMUTABLE STRICT AS
$$ SELECT CASE jsonb_typeof(v) WHEN 'string' THEN v #>> '{}'
    WHEN 'null' THEN NULL ELSE CAST(v AS text) END
    FROM (SELECT jsonb_path_query_first(CAST($1 AS jsonb),
    CAST($2 AS jsonpath)) AS v) AS s $$;

-- The path $.a[0].b as the text array {a,0,b} of jsonb_set.
CREATE FUNCTION json_path_array(text) RETURNS text[] LANGUAGE sql
IMMUTABLE STRICT AS
$$ SELECT array_remove(regexp_split_to_array(regexp_replace(
    regexp_replace($1, '^\$\.?', ''), '\[([0-9]+)\]', '.\1', 'g'),
    '\.'), '') $$;
CREATE FUNCTION json_set(text, text, text) RETURNS text LANGUAGE sql
IMMUTABLE AS
$$ SELECT CAST(jsonb_set(CAST($1 AS jsonb), json_path_array($2),
    to_jsonb($3)) AS text) $$;
CREATE FUNCTION json_set(text, text, bigint) RETURNS text LANGUAGE sql
IMMUTABLE AS
$$ SELECT CAST(jsonb_set(CAST($1 AS jsonb), json_path_array($2),
    to_jsonb($3)) AS text) $$;

-- json_each(X): the members of an object (key, value) or an array
-- (key: the index); a string value as its text.
CREATE FUNCTION json_each(text) RETURNS TABLE (key text, value text)
LANGUAGE sql IMMUTABLE STRICT AS
$$ SELECT e.key, CASE jsonb_typeof(e.value) WHEN 'string' THEN
    e.value #>> '{}' ELSE CAST(e.value AS text) END
    FROM jsonb_each(CAST($1 AS jsonb)) AS e
    WHERE jsonb_typeof(CAST($1 AS jsonb)) = 'object'
    UNION ALL
    SELECT CAST(a.n - 1 AS text), CASE jsonb_typeof(a.value) WHEN 'string'
    THEN a.value #>> '{}' ELSE CAST(a.value AS text) END
    FROM jsonb_array_elements(CASE jsonb_typeof(CAST($1 AS jsonb))
    WHEN 'array' THEN CAST($1 AS jsonb) ELSE '[]' END)
    WITH ORDINALITY AS a(value, n) $$;

-- dump(): every row of every table of schema hitl, ordered, and the
-- schema's tables, columns, indexes and triggers (with whether each is
-- enabled): what "nothing changed" compares. Sequences are left out: a
-- transaction rolled back still used the numbers it took.
CREATE FUNCTION dump() RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
	t record;
	r text;
BEGIN
	FOR t IN SELECT c.relname FROM pg_class c JOIN pg_namespace n
	    ON n.oid = c.relnamespace WHERE n.nspname = 'hitl' AND
	    c.relkind = 'r' ORDER BY c.relname COLLATE "C" LOOP
		RETURN NEXT 'table ' || t.relname || ': ' || (SELECT
		    string_agg(a.attname || ' ' ||
		    format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum)
		    FROM pg_attribute a WHERE a.attrelid =
		    CAST('hitl.' || quote_ident(t.relname) AS regclass) AND
		    a.attnum > 0 AND NOT a.attisdropped);
		FOR r IN EXECUTE format('SELECT CAST(t AS text) FROM hitl.%I t '
		    'ORDER BY CAST(t AS text) COLLATE "C"', t.relname) LOOP
			RETURN NEXT r;
		END LOOP;
	END LOOP;
	RETURN QUERY SELECT 'index ' || indexname || ': ' || indexdef
	    FROM pg_indexes WHERE schemaname = 'hitl'
	    ORDER BY indexname COLLATE "C";
	RETURN QUERY SELECT 'trigger ' || tg.tgname || ' ' ||
	    CAST(tg.tgenabled AS text) ||
	    ': ' || pg_get_triggerdef(tg.oid) FROM pg_trigger tg
	    JOIN pg_class c ON c.oid = tg.tgrelid JOIN pg_namespace n
	    ON n.oid = c.relnamespace WHERE n.nspname = 'hitl' AND
	    NOT tg.tgisinternal ORDER BY tg.tgname COLLATE "C";
END $$;
