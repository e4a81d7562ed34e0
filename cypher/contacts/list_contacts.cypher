MATCH (c:Contact)-[:HAS_STATUS]->(s:ContactStatus)
WHERE ($name_fold IS NULL OR c.name_fold CONTAINS $name_fold)
  AND s.valid_from <= $t AND (s.valid_to IS NULL OR s.valid_to > $t)
WITH c, s ORDER BY c.name_ord, c.id_ord
WITH collect({props: properties(c), status: s.status, status_from: s.valid_from}) AS matched
RETURN size(matched) AS total, matched[$offset..$offset + $limit] AS items
