-- Appends audit events to the hash chain in one round trip: takes the chain's lock (held until
-- the caller's transaction ends), reads the head after the lock is held, and chains the events
-- in order. Each event comes with `tail`: the canonical JSON of its hashed fields after the
-- previous hash, i.e. canonicalJson([prevHash, ...fields]) = '["' || prevHash || '",' || tail,
-- so the hash is the same as lib/audit.ts computes and verifies.
CREATE FUNCTION hourglass_append_audit(events JSONB) RETURNS TABLE (event_id UUID, event_hash TEXT)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  prev TEXT;
  e JSONB;
  h TEXT;
BEGIN
  PERFORM pg_advisory_xact_lock(1752135026);
  SELECT a."hash" INTO prev FROM "AuditEvent" a ORDER BY a."seq" DESC LIMIT 1;
  prev := coalesce(prev, repeat('0', 64));
  FOR e IN SELECT value FROM jsonb_array_elements(events) LOOP
    h := encode(sha256(convert_to('["' || prev || '",' || (e->>'tail'), 'UTF8')), 'hex');
    INSERT INTO "AuditEvent" ("id", "at", "actorType", "actorId", "actorLabel", "action", "subjectType", "subjectId", "data", "prevHash", "hash")
    VALUES ((e->>'id')::uuid, (e->>'at')::timestamptz AT TIME ZONE 'UTC', e->>'actorType', e->>'actorId', e->>'actorLabel', e->>'action',
            e->>'subjectType', e->>'subjectId', e->'data', prev, h);
    event_id := (e->>'id')::uuid;
    event_hash := h;
    RETURN NEXT;
    prev := h;
  END LOOP;
END
$$;
