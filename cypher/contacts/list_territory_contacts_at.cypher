MATCH (x:AccountTerritory)
USING INDEX x:AccountTerritory(territory)
WHERE x.territory IN $territories
  AND x.valid_from <= $t AND (x.valid_to IS NULL OR x.valid_to > $t)
MATCH (a:Account)-[:HAD_TERRITORY]->(x)
UNWIND [(a)<-[:WORKS_AT]-(c:Contact) WHERE $name_fold IS NULL OR c.name_fold CONTAINS $name_fold
        | c] AS c
UNWIND [(c)-[:HAS_STATUS]->(s:ContactStatus)
        WHERE s.valid_from <= $t AND (s.valid_to IS NULL OR s.valid_to > $t) | s] AS s
WITH c, s ORDER BY c.name_ord, coalesce(c.id_ord, c.id)
WITH collect({props: properties(c), status: s.status, status_from: s.valid_from}) AS matched
RETURN size(matched) AS total, matched[$offset..$offset + $limit] AS items
