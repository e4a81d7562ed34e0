MATCH (s:ScoreSet {account_id: $account_id})
WHERE s.as_of <= $t
WITH s
ORDER BY s.as_of DESC
LIMIT 1
RETURN properties(s) AS set
