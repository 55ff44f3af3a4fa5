"""棚卸し・ギャップ分析: which support exists where and for whom (coverage matrix), and where departments meet signs of isolation (touch points)."""
