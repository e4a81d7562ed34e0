MATCH (k:ApiKey)
WITH k ORDER BY k.created_at, k.id
RETURN k {.id, .name, .secret_hash, .scopes, .territories, .created_at, .revoked_at} AS key
