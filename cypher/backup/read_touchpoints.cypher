MATCH (t:Touchpoint)
RETURN collect(t {.*}) AS rows
