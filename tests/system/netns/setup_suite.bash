# SPDX-License-Identifier: Apache-2.0
# Same test images as the main suite.
source "$(dirname "${BASH_SOURCE[0]}")/../setup_suite.bash"
