MATCH (r:ScoreRun)
RETURN r.run AS run
ORDER BY r.as_of DESC, r.scored_at DESC
LIMIT 1
