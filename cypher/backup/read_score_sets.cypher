MATCH (s:ScoreSet)
RETURN collect(s {.*}) AS rows
