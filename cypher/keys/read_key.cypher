MATCH (k:ApiKey {id: $id})
RETURN k {.id, .name, .secret_hash, .scopes, .territories, .created_at, .revoked_at} AS key
