// The OpenAPI 3.0 document of the admin API, served at /admin/v1/openapi.json. Written out here
// (not derived from the route table) so that AdminApiTest can hold the two against each other.
#pragma once

#include "json/Json.h"

#include <string>

namespace gatehouse {

Json adminOpenApi();
const std::string& adminOpenApiDocument(); // adminOpenApi() serialized once

} // namespace gatehouse
