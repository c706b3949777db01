"""Work done after the ack: the event inbox and its worker, the scheduler, checkpoint upkeep."""
