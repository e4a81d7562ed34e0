MATCH (s:StageChange)
RETURN collect(s {.*}) AS rows
