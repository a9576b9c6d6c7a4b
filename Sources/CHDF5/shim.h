// HDF5's constants (H5T_NATIVE_FLOAT, H5F_ACC_RDONLY, H5P_DEFAULT, ...) are macros, several of them
// function-like (they call H5open()). Swift cannot import those, so each is exposed here as a
// one-line static inline accessor. Nothing else belongs in this file.
#include <hdf5.h>

static inline hid_t chdf5_native_float(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t chdf5_c_s1(void) { return H5T_C_S1; }
static inline hid_t chdf5_p_default(void) { return H5P_DEFAULT; }
static inline hid_t chdf5_s_all(void) { return H5S_ALL; }
static inline hid_t chdf5_e_default(void) { return H5E_DEFAULT; }
static inline unsigned chdf5_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline size_t chdf5_variable(void) { return H5T_VARIABLE; }
static inline hid_t chdf5_ieee_f32le(void) { return H5T_IEEE_F32LE; }
static inline haddr_t chdf5_haddr_undef(void) { return HADDR_UNDEF; }
