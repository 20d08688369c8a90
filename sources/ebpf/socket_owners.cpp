// Socket owners (in progress).
