CREATE (k:ApiKey {id: $id, name: $name, secret_hash: $secret_hash, scopes: $scopes,
                  territories: $territories, created_at: $created_at, revoked_at: $revoked_at})
WITH k
MERGE (c:Counter {name: 'api_keys'})
ON CREATE SET c.value = 0
SET c.value = c.value + 1
RETURN k.id AS id
