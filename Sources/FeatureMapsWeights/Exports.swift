// The file-format half of the weights reader lives in FeatureMapsHDF5 (so that the reader
// executable links neither Foundation nor the engine); its public types (HDF5File, HDF5Error,
// KerasWeightsFile) are part of this module's API as before.
@_exported import FeatureMapsHDF5
