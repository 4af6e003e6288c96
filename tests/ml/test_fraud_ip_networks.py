"""Which autonomous-system names count as hosting / VPN networks (the `is_vpn_ip` rule variable)."""

import pytest

from ml.fraud.ip_networks import is_hosting_network


@pytest.mark.parametrize(
    "name",
    ["AMAZON-02", "GOOGLE-CLOUD-PLATFORM", "GOOGLE", "DIGITALOCEAN-ASN", "OVH SAS", "Hetzner Online GmbH", "AS-CHOOPA",
     "M247 Europe SRL", "Datacamp Limited", "31173 Services AB", "CLOUDFLARENET", "Stiftung Erneuerbare Freiheit",
     "Example Hosting Ltd", "Some VPN Inc"],
)
def test_cloud_hosting_vpn_relay_and_tor_networks_are_hosting(name):
    assert is_hosting_network(name)


@pytest.mark.parametrize(
    "name",
    ["", "COMCAST-7922", "Virgin Media", "VODACOM", "Andrews & Arnold Ltd", "Amazonas Telecom", "Deutsche Telekom AG",
     "GOOGLE-FIBER"],
)
def test_access_networks_and_unknown_are_not(name):
    assert not is_hosting_network(name)
