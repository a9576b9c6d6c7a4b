// The functions are static inline in include/cpu_features.h.
