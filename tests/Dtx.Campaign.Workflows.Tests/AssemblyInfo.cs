// Twice the cores: the cluster and crash tests spend most of their time waiting on Quartz's real-time check-ins and
// on a child process, and four classes at a time let the short ones run in those waits.
[assembly: CollectionBehavior(MaxParallelThreads = 4)]
