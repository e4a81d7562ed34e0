MATCH (c:Contact)-[:HAS_STATUS]->(s:ContactStatus)
WHERE ($name_fold IS NULL OR c.name_fold CONTAINS $name_fold)
  AND s.valid_from <= $t AND (s.valid_to IS NULL OR s.valid_to > $t)
WITH c, s ORDER BY c.name_ord, coalesce(c.id_ord, c.id)
WITH collect({props: properties(c), status: s.status, status_from: s.valid_from}) AS matched
RETURN size(matched) AS total, matched[$offset..$offset + $limit] AS items
