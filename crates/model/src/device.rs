//! Where the forward passes run, and how many CPU threads they use.

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};

/// A device to run a model on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Device {
    /// The CPU (libtorch's intra-op thread pool; see [`set_threads`]).
    #[default]
    Cpu,
    /// The CUDA GPU of this index. Needs a libtorch built with CUDA (see the README).
    Cuda(usize),
}

impl Device {
    /// Tiles per forward pass when none is asked for. On the CPU, 1: each window of a batch
    /// holds its own activations, and on the 2-core machine of the README a batch of 1 scanned
    /// as fast end to end as a batch of 4 at about a third of the peak memory. On CUDA, 4 (not
    /// measured here), where bigger batches keep the device busy.
    pub fn default_batch(self) -> usize {
        match self {
            Device::Cpu => 1,
            Device::Cuda(_) => 4,
        }
    }

    /// The libtorch device, once checked to be usable here.
    pub(crate) fn to_torch(self) -> Result<tch::Device> {
        match self {
            Device::Cpu => Ok(tch::Device::Cpu),
            Device::Cuda(index) => {
                let visible = tch::Cuda::device_count();
                if !tch::Cuda::is_available() || index as i64 >= visible {
                    return Err(Error::CudaUnavailable {
                        index,
                        visible: if tch::Cuda::is_available() {
                            visible
                        } else {
                            0
                        },
                    });
                }
                Ok(tch::Device::Cuda(index))
            }
        }
    }
}

impl fmt::Display for Device {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Device::Cpu => f.write_str("cpu"),
            Device::Cuda(index) => write!(f, "cuda:{index}"),
        }
    }
}

impl FromStr for Device {
    type Err = Error;

    /// Parses `cpu`, `cuda` (device 0) or `cuda:N`.
    fn from_str(s: &str) -> Result<Device> {
        match s {
            "cpu" => Ok(Device::Cpu),
            "cuda" => Ok(Device::Cuda(0)),
            _ => s
                .strip_prefix("cuda:")
                .and_then(|index| index.parse().ok())
                .map(Device::Cuda)
                .ok_or_else(|| Error::UnknownDevice(s.to_string())),
        }
    }
}

/// Sets how many threads libtorch uses inside one operation (a convolution, ...).
///
/// This is process-wide: it applies to every model and every thread of the process, not only to
/// the model being loaded. `0` is taken as 1.
pub fn set_threads(threads: usize) {
    tch::set_num_threads(threads.clamp(1, i32::MAX as usize) as i32);
}

/// How many threads libtorch uses inside one operation.
pub fn threads() -> usize {
    tch::get_num_threads().max(1) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_names_round_trip() {
        for device in [Device::Cpu, Device::Cuda(0), Device::Cuda(3)] {
            assert_eq!(device.to_string().parse::<Device>().unwrap(), device);
        }
        assert_eq!("cuda".parse::<Device>().unwrap(), Device::Cuda(0));
        let err = "gpu".parse::<Device>().unwrap_err().to_string();
        assert!(err.contains("expected cpu, cuda or cuda:N"), "{err}");
        assert!("cuda:x".parse::<Device>().is_err());
    }

    #[test]
    fn cuda_is_refused_clearly_when_libtorch_cannot_use_it() {
        if tch::Cuda::is_available() {
            eprintln!("skipped: this libtorch sees a CUDA device");
            return;
        }
        let err = Device::Cuda(0).to_torch().unwrap_err().to_string();
        assert!(err.contains("CUDA device 0 was asked for"), "{err}");
        assert!(err.contains("--device cpu"), "{err}");
        assert!(err.contains("LIBTORCH_USE_PYTORCH=1"), "{err}");
    }

    #[test]
    fn a_cuda_index_beyond_the_visible_devices_is_refused() {
        let err = Device::Cuda(999).to_torch().unwrap_err().to_string();
        assert!(err.contains("CUDA device 999"), "{err}");
    }
}
