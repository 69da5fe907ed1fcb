#include "TemporaryDataDirectory.h"
