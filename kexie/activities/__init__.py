"""Academic and popular-science activities (学术活动, 科普日, 科技活动周 …): one registry whose counts
roll up the organisation tree and feed plan targets."""
