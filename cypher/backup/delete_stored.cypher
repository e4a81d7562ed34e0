MATCH (n)
WHERE n:Account OR n:AccountTerritory OR n:Rep OR n:Contact OR n:ContactStatus OR n:Deal
   OR n:StageChange
   OR n:CloseDateChange OR n:Touchpoint OR n:ScoreSet OR n:WinModel OR n:ChangeLogPage
   OR n:ChangeLogKeys OR n:ScoreRun OR (n:Counter AND n.name = 'change_log')
DETACH DELETE n
