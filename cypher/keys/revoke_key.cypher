MATCH (k:ApiKey {id: $id})
WHERE k.revoked_at IS NULL
SET k.revoked_at = $at
WITH k
MERGE (c:Counter {name: 'api_keys'})
ON CREATE SET c.value = 0
SET c.value = c.value + 1
RETURN k.id AS id
